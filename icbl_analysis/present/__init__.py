"""What people read: people's words for codes (`words`), styled tables (`tables`), charts as (figure, data)
(`charts`, `boards`, `figures`) with their text alternatives (`alt`), sentences written from the review's
key-figures registry (`text`), the edition memo (`memo`), the slides' deck (`slides`), the HTML pages through
one template environment (`html`, `pages`, `templates/`) and what notebook cells call (`notebook`: show and
save, the standard sections). Imports `core`, `data`, `engine` and `review`; it computes no value or rating of
its own (every number comes from the registry), and is imported by `explore`, `run` and the top only."""
