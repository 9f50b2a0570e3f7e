"""A chain of stages on a picture: parse (spec), plan every shape (plan), run (run),
then read any stage cell by cell (cells)."""

from engine.pipeline.cells import reads, steps
from engine.pipeline.plan import PlannedStage, input_shape, plan_pipeline
from engine.pipeline.run import StageRun, run_pipeline
from engine.pipeline.spec import Stage, parse_stages

__all__ = ["PlannedStage", "Stage", "StageRun", "input_shape", "parse_stages", "plan_pipeline",
           "reads", "run_pipeline", "steps"]
