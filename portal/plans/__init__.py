"""EHC plans: the plan viewer, versions, access, timeline and documents."""
