"""The simulator: a month of orders replayed through the real engine on a virtual clock.

`python manage.py simulate` (`make simulate`) builds a synthetic roster and a stream
of order emails (`world`), and for each fill policy on a fresh throwaway database
(`database`) feeds the emails to the real intake, runs Beat's jobs every 15 virtual
minutes, and lets simulated phones (`phones`) answer the texts the memory SMS backend
received, through the real YES/NO pages or reply texts, at times drawn from the reply
model (`reply_model`). `run` is the clock, `report` reads the engine's own tables
(read-only) into the figures of `results.md`, and `figures` draws them.

The simulator writes only what a studio would set up by hand: the roster, the studio
and the studio's fill policy. Everything else is the engine's doing.
"""
