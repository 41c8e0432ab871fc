"""The HTML adoption report sales managers read: what the published marts say, as pictures.

`queries` reads the marts into frames, `figures` turns them into plotly charts, `render` lays
them out in one self-contained HTML file (plotly.js inlined, no network) and writes it.
"""
