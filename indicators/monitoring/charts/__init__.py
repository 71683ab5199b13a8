"""The geometry of the monitoring pages' charts: scales, ticks, positions and labels, as plain data.

The templates in templates/indicators/charts/ draw what these modules return; nothing here writes markup
or knows about Django. `axes` places scales, ticks and labels; `lines` the line charts; `rows` the bar and
interval rows; `dot_map` the small areas' map.
"""
