from flask import Blueprint, abort, current_app, jsonify, request
from flask.views import MethodView

bp = Blueprint("books", __name__, url_prefix="/books")


def store():
    return current_app.extensions["store"]


def _valid(data, partial=False):
    if not isinstance(data, dict):
        abort(400, description="Send a JSON object")
    if not partial and not data.get("title"):
        abort(400, description="'title' is required")
    if "year" in data and not isinstance(data["year"], int):
        abort(400, description="'year' must be an integer")
    return {k: data[k] for k in ("title", "author_id", "year") if k in data}


class BookList(MethodView):
    def get(self):
        """List books.

        Filter by author with `?author_id=`.
        """
        books = list(store().books.values())
        author = request.args.get("author_id", type=int)
        if author is not None:
            books = [b for b in books if b["author_id"] == author]
        return jsonify(books)

    def post(self):
        """Add a book."""
        data = _valid(request.get_json(silent=True))
        book = {"id": store().next_book_id(), "author_id": None, "year": None, **data}
        store().books[book["id"]] = book
        return jsonify(book), 201


class BookDetail(MethodView):
    def _get(self, book_id):
        book = store().books.get(book_id)
        if book is None:
            abort(404, description=f"No book with id {book_id}")
        return book

    def get(self, book_id):
        """Get one book."""
        return jsonify(self._get(book_id))

    def patch(self, book_id):
        """Change some fields of a book."""
        book = self._get(book_id)
        book.update(_valid(request.get_json(silent=True), partial=True))
        return jsonify(book)

    def delete(self, book_id):
        """Remove a book."""
        self._get(book_id)
        del store().books[book_id]
        return "", 204


bp.add_url_rule("/", view_func=BookList.as_view("book_list"))
bp.add_url_rule("/<int:book_id>", view_func=BookDetail.as_view("book_detail"))
