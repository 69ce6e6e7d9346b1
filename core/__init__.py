"""The bottom layer: helpers every app may use, with no models and no imports of any app.

queueing (tasks after the commit), links (absolute and admin URLs), validators (phones,
time zones) and timefmt (times as a person reads them).
"""
