"""The REST API over HTTP: the request pipeline, its operations, answers and the connect pages."""
