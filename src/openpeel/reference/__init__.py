"""Reference data as files with small readers: forces (ids, names, codes), vocabularies of raw
values, the PEEL frameworks (areas, questions, grading scale, the inspectorate's published grades)
and the Citizens' Charter standards. May import: ``config``, ``calendar``, ``errors`` only.
"""
