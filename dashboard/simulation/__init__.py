"""What the live simulator (dashboard/simulate.py) draws its reports from: how often each kind comes, and its
subtype, grid, point and place. `seeded.py`: the seeded Taizhou, with the seed's own distributions; `imported.py`: a
city imported from files, from its imported history (or neutral defaults where it has none)."""
