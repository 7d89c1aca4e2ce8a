from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Category, Product
from .serializers import CategorySerializer, ProductSerializer


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Product categories."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer


class ProductViewSet(viewsets.ModelViewSet):
    """
    list:
    List the products, ten to a page.

    create:
    Add a product to the catalogue.
    """

    queryset = Product.objects.select_related("category")
    serializer_class = ProductSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        category = self.request.query_params.get("category")
        if category:
            queryset = queryset.filter(category__slug=category)
        return queryset

    @action(detail=True, methods=["post"])
    def restock(self, request, pk=None):
        """Mark a product as in stock again."""
        product = self.get_object()
        product.in_stock = True
        product.save(update_fields=["in_stock"])
        return Response(self.get_serializer(product).data)
