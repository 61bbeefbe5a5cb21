"""The synthetic election and its night: the engine of ``saksi demo`` and ``saksi simulate``.

- ``election``: the authorities and the whole key hierarchy, from one seed;
- ``tally``, ``photos``, ``faults``: consistent forms, generated photos, the faults;
- ``plan``: every statement of a night and the truth, a function of the seed;
- ``processes``, ``devices``, ``night``: the real processes and the devices over HTTP;
- ``judge``, ``report``: what caught each fault, from the verified publication;
- ``logbook``: a log's entries written directly, for tests and benchmarks.
"""
