import os
import time

from apiscribe.scenarios import ScenarioClient, scenario


@scenario("ListItems")
def list_items(client: ScenarioClient) -> None:
    if os.environ.get("SHOP_SLOW"):  # lets a test interrupt a run mid-scenario
        print("slow scenario started", flush=True)
        time.sleep(60)
    client.request("GET", "/api/items/")


@scenario("CreateItem")
def create_item(client: ScenarioClient) -> None:
    client.request("POST", "/api/items/", json={"name": "lamp"})


@scenario("GetItem")
def get_item(client: ScenarioClient) -> None:
    raise RuntimeError("the item service is down")
