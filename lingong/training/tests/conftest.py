from lingong.training.tests.world import world, world_ids  # noqa: F401  (fixtures)
