"""Records to the contract's JSON shapes, and the JSON encoder of answers."""
