"""URL reversing that remembers each URL's shape.

Django's reverse() matches the name against every pattern and quotes the
result: 50–70 µs a call on the benchmark machine, 35 calls (2.5 ms) on the
journal's first page, where every entry card links to its edit and delete
pages. The same name with the same number of whole-number arguments always
gives the same path around those numbers, so the path is reversed once with
marker numbers and later calls only put the numbers in. Anything else — a
keyword argument, an argument that is not an int, a name reversed under
another URLconf, script prefix or application instance — goes through
reverse() as before. One kind of pattern would be given a number reverse()
refuses: one that takes twelve-digit numbers but not some smaller one. Every
numbered route here, Titrate's and its libraries', is an `int` converter, and
a test compares the two on every route. The {% url %} tag of every Django
template goes through it too (URLNode, below, in the template builtins).

The URLconf and script prefix are Django's context-local values, and each
read of one costs microseconds (two reads a call were a fifth of its time).
Templates rendered for a request read them once per request (where()), and
Jinja2 fragments through {% include_jinja %} (rendering_for()): their macros,
imported without the template's context, do not see the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

# Numbers no real argument is: the i-th argument is reversed as MARKER + i.
MARKER = 987_654_321_000
_shapes: dict[tuple, tuple[str, ...] | None] = {}


def fast_reverse(
    viewname: str,
    args=(),
    current_app: str | None = None,
    where: tuple[str, str] | None = None,
) -> str:
    """reverse(viewname, args=args, current_app=current_app); `where` is
    where(request) when the caller has the request being answered."""
    if not all(type(arg) is int and arg >= 0 for arg in args):
        return reverse(viewname, args=args, current_app=current_app)
    urlconf, prefix = where or _where()
    key = (urlconf, prefix, current_app, viewname, len(args))
    try:
        pieces = _shapes[key]
    except KeyError:
        pieces = _shapes[key] = _shape(viewname, len(args), current_app)
    if pieces is None:
        return reverse(viewname, args=args, current_app=current_app)
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts += (str(arg), piece)
    return "".join(parts)


def _where() -> tuple[str, str]:
    """The URLconf and script prefix reverse() would use now."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def where(request) -> tuple[str, str]:
    """The URLconf and script prefix while `request` is answered, read once
    for it. Django sets both before any middleware runs, and nothing here
    changes them later (a middleware that set request.urlconf would: none
    does)."""
    if request is None:
        return _where()
    try:
        return request._reverse_where
    except AttributeError:
        found = request._reverse_where = _where()
        return found


# where() of the request a Jinja2 fragment is being rendered for.
_RENDERING: ContextVar[tuple[str, str] | None] = ContextVar(
    "reverse_rendering", default=None
)


@contextmanager
def rendering_for(request) -> Iterator[None]:
    """Within the block, rendering_where() gives where(request)."""
    token = _RENDERING.set(where(request))
    try:
        yield
    finally:
        _RENDERING.reset(token)


def rendering_where(request=None) -> tuple[str, str]:
    """where() of the request being rendered for: the fragment's, or this
    one (None: read now)."""
    return _RENDERING.get() or where(request)


def _shape(viewname: str, count: int, current_app: str | None):
    """The path cut where its arguments go, or None where the markers do not
    each appear exactly once (a converter that writes numbers its own way)."""
    markers = [str(MARKER + i) for i in range(count)]
    try:
        path = reverse(
            viewname, args=[int(m) for m in markers], current_app=current_app
        )
    except NoReverseMatch:
        return None  # a pattern narrower than a number: reverse() says why
    pieces = []
    for marker in markers:
        if path.count(marker) != 1:
            return None
        before, path = path.split(marker)
        pieces.append(before)
    return (*pieces, path)


register = template.Library()


class FastURLNode(URLNode):
    def render(self, context):
        if self.kwargs or self.asvar:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        request = getattr(context, "request", None)
        path = fast_reverse(
            self.view_name.resolve(context),
            args,
            _current_app(context),
            where(request),
        )
        return conditional_escape(path) if context.autoescape else path


def _current_app(context) -> str | None:
    # As URLNode.render finds it: the request's application instance.
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


@register.tag(name="url")
def fast_url(parser, token):
    node = url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
