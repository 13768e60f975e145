"""How values are computed and rounded: exact floats, hand rounding carried (Decimal) or
symbolic, and the one rounding policy every renderer and the checker use."""
