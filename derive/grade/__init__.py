"""Answers files → verdicts: a whitelisted parser for student text, the answer key, the table of
common mistakes that explains a wrong answer, and the checker."""
