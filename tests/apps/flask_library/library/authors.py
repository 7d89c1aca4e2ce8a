from flask import Blueprint, abort, current_app, jsonify

bp = Blueprint("authors", __name__, url_prefix="/authors")


@bp.get("/")
def list_authors():
    """List authors."""
    return jsonify(list(current_app.extensions["store"].authors.values()))


@bp.get("/<int:author_id>")
def get_author(author_id):
    """Get one author, with the titles of their books."""
    store = current_app.extensions["store"]
    author = store.authors.get(author_id)
    if author is None:
        abort(404, description=f"No author with id {author_id}")
    titles = [b["title"] for b in store.books.values() if b["author_id"] == author_id]
    return jsonify({**author, "books": titles})
