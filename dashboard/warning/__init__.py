"""Early warning (预警): rules over new reports and the clock, alerts the wall shows, acknowledged and
escalated by operators. `python -m dashboard.warning` runs the worker."""
