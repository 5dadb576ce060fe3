"""The treaty engine: membership on a date (`treaties`), obligation evidence dated and merged per decision
(`evidence`, `decisions`), clearance and stockpile positions on a date (`positions`, `stockpiles`,
`obligations`), the Monitor's figures by vintage (`facts`), the published measures derived from all of these
(`derive`) and their reconciliation with what the Monitor and the secretariats published (`reconcile`). Imports
`core` and `data` only: the rules of the treaties, with no notion of the plan's indicators, ratings or outputs."""
