"""The static page at ``/``."""

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)
_WEB = files("jinlotto.web")


@router.get("/")
def index() -> HTMLResponse:
    """The page."""
    return HTMLResponse(_WEB.joinpath("index.html").read_text(encoding="utf-8"))


@router.get("/app.js")
def script() -> Response:
    """The page's script."""
    return Response(
        _WEB.joinpath("app.js").read_text(encoding="utf-8"), media_type="text/javascript"
    )
