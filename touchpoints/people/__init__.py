"""The people: who is signed in, how (password, desk PIN, single sign-on), who may open what,
and the throttling that keeps guessing from locking anyone out. Imports point into
`touchpoints.models`, never into `configuration`."""
