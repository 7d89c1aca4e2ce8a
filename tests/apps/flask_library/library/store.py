class Store:
    def __init__(self):
        self.authors = {1: {"id": 1, "name": "Ursula K. Le Guin"},
                        2: {"id": 2, "name": "Italo Calvino"}}
        self.books = {1: {"id": 1, "title": "The Dispossessed", "author_id": 1, "year": 1974},
                      2: {"id": 2, "title": "Invisible Cities", "author_id": 2, "year": 1972}}

    def next_book_id(self):
        return max(self.books, default=0) + 1
