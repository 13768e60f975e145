"""Practice and homework sets: a network of nice numbers for every student, its sheet and worked
solution, a manifest, grading a set, and the one-student quiz (``derive practice``)."""
