"""Network → Derivation: the chain rule over named quantities, each evaluated as it is
defined; the grammar of quantity names; choosing quantities; the vector form."""
