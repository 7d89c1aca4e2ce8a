from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from . import authors, books
from .store import Store


def create_app(config=None):
    app = Flask(__name__)
    app.config.from_mapping(API_TITLE="Library API", API_VERSION="1.4.0")
    if config:
        app.config.update(config)
    app.extensions["store"] = Store()
    app.register_blueprint(books.bp)
    app.register_blueprint(authors.bp)

    @app.errorhandler(HTTPException)
    def json_error(error):
        """Every error as JSON: {"error": ..., "status": ...}."""
        return jsonify(error=error.description, status=error.code), error.code

    return app
