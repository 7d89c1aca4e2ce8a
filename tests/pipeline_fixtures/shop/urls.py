from django.urls import path

from .views import ItemDetailsEndpoint, ItemsEndpoint

urlpatterns = [
    path("api/items/", ItemsEndpoint.as_view()),
    path("api/items/<int:item_id>/", ItemDetailsEndpoint.as_view()),
]
