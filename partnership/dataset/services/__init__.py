"""The dataset's operations: the indicator library (``indicators``), figures entered,
corrected and approved with the owner's commentary (``values``), spreadsheets of figures,
population and benchmarks read row by row (``imports``)."""
