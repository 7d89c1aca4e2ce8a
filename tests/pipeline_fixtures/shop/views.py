from enum import Enum

from rest_framework.response import Response
from rest_framework.views import APIView

from apiscribe.scenarios import attach_scenarios


class DocSection(Enum):
    ITEMS = "Items"


class ItemsEndpoint(APIView):
    doc_section = DocSection.ITEMS

    @attach_scenarios(["ListItems"])
    def get(self, request):
        """
        List Items
        ``````````

        Return every item.

        :auth: required
        """
        return Response([{"id": 1, "name": "chair"}])

    @attach_scenarios(["CreateItem"])
    def post(self, request):
        """
        Create an Item
        ``````````````

        :param string name: the item's name.
        :returns: the new item.
        """
        return Response({"id": 2, "name": request.data.get("name")}, status=201)


class ItemDetailsEndpoint(APIView):
    doc_section = DocSection.ITEMS

    @attach_scenarios(["GetItem"])
    def get(self, request, item_id):
        """
        Retrieve an Item
        ````````````````

        :pparam int item_id: the item's id.
        """
        return Response({"id": item_id, "name": "chair"})
