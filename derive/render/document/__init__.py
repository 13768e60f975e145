"""The typeset derivation: one block model (blocks.py) built by content.py, written as LaTeX
(latex.py) or Markdown (markdown.py)."""
