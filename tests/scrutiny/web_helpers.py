"""Shared pieces of the web tests: the app on a world, and logged-in clients per role."""

from __future__ import annotations

import warnings

from fastapi import FastAPI

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from openpeel.web.app import create_app
from tests.scrutiny.world import ROLE_USERS, World, login

ROLES_AND_PUBLIC = ("public", *ROLE_USERS)


def app_for(world: World, https: bool = False) -> FastAPI:
    """The web app on a world's database."""
    return create_app(engine=world.engine, https_only=https)


def client_for(app: FastAPI, role: str, base_url: str = "http://testserver") -> TestClient:
    """A client logged in as the role's user ('public' stays anonymous; any username works)."""
    client = TestClient(app, base_url=base_url)
    client.get("/")  # the anonymous cookie, as a browser would get it
    if role != "public":
        login(client, ROLE_USERS.get(role, role))
    return client
