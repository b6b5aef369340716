"""The machinery every generated document uses: PDF rendering, Markdown, the structure chart."""
