import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What a server process has loaded by now (Django, every app, the views the
# URLconf imports: some 150,000 objects) lives as long as the process. Left
# to the cyclic garbage collector, each full collection walks all of it
# again: on Insights (all time), which makes many objects, that was 10 ms a
# request on average and 60 ms on the requests it fell on. Frozen, it is
# never walked again; what requests make is collected as before.
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()

# The youngest generation is collected after this many new container objects
# rather than Python's 700. A request's objects die with it, by reference
# counting, but at 700 a page's working set (its rows, forms, template
# contexts) was walked by many young collections while alive and moved up a
# generation or two: 6 % of building Today (1.0 of 17 ms on the benchmark
# machine), 6 % of the Journal, 3 % of Insights (all time) and of the
# baseline, measured in one process with the two settings alternating. At
# 50,000 most of them are freed before any collection sees them; what they
# leave in cycles is collected when the request is answered (below).
gc.set_threshold(50_000, *gc.get_threshold()[1:])


# What a request leaves in reference cycles (Django's lazy request.user holds
# the request, each template context its dicts) is collected as soon as its
# response is closed, which the server does once the response is sent: the
# youngest generation then holds one request's objects, still in the
# processor's caches. Left for the threshold above, a collection came every
# 120-150 requests of the Journal or Search and took 25-45 ms in the middle of
# one of them (90 ms on Insights, all time), after walking some 50,000 objects
# of many requests. What is still in use at that moment (the response, the
# server's own objects) moves to an older generation; those are collected in
# Python's own rhythm, the second every tenth answer and the oldest (a few
# thousand objects: what was loaded at start is frozen) every hundredth, since
# the threshold above is now seldom reached. In one process, 40-600 requests
# a page: Search's collecting 0.21-0.48 ms a request -> 0.12-0.13, Insights
# (all time) 2.2-2.5 -> 1.0-1.1, the baseline's 0.04-0.12 -> 0.04-0.05. Under
# wrk at c=1 the Journal's p99 went from 51-69 ms to 7-11 and its p95 from
# 24-31 to 6-10 (bench/RESULTS.md, round 38).
def _collect_after_response(**kwargs) -> None:
    counts, thresholds = gc.get_count(), gc.get_threshold()
    generation = 0
    if counts[1] >= thresholds[1]:
        generation = 2 if counts[2] >= thresholds[2] else 1
    gc.collect(generation)


request_finished.connect(
    _collect_after_response, dispatch_uid="config.wsgi.collect_after_response"
)
