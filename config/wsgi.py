import gc
import os
from importlib import import_module

from django.conf import settings
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
# 50,000 most of them are freed before any collection sees them; garbage in
# cycles waits a little longer (at most that many objects, a few megabytes).
gc.set_threshold(50_000, *gc.get_threshold()[1:])
