"""The shared kernel: what every feature speaks in (dates, words, numbers, labelled enums,
domain errors). It imports nothing from the features, the documents or the web layer."""
