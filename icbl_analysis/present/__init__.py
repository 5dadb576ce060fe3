"""Display: charts (figure, data), styled tables and sentences in people's words. Nothing here computes a
rating or writes a file except `charts.save`."""
