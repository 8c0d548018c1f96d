"""FilmHub's CDK app: one stack (``infra.stack.FilmHubStack``) made of constructs, built from the route table."""
