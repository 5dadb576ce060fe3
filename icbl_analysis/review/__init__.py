"""What the plan's indicators say: one value per indicator and year (`indicators/`), each rated with its reason
(`ratings`), a goal's review computed as of 31 December of a year (`compute`), one state's record
(`profile`), two Monitor editions compared (`diff`), and the key-figures registry that holds every number an
output states (`key_figures`), with the check that reads outputs back against it (`figure_check`). Imports
`core`, `data` and `engine` only: computation, no charts, styled tables or pages (the registry alone writes a
file, its own CSV); `present` turns these results into what people read."""
