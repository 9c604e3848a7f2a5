"""Pure figure builders of the drill-down pages: a DataFrame in, a go.Figure out. No Dash, no database, no clock."""
