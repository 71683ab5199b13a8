"""The monitoring engine: rollups of answers and official figures that pages, exports and the API read."""
