"""The dataset's forms: the indicator library and settings (``indicators``), and entering,
approving and importing figures (``entry``)."""
