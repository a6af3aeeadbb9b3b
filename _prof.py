import sys; sys.path.insert(0,'benchmarks')
import numpy as np, cProfile, pstats
from threadpoolctl import threadpool_limits
import conv_step as cs
threadpool_limits(1)
dt=np.float32 if sys.argv[1]=='32' else np.float64
o=cs.OursNN(*cs.make_problem(dt))
for _ in range(5): o.step()
pr=cProfile.Profile(); pr.enable()
for _ in range(100): o.step()
pr.disable()
pstats.Stats(pr).sort_stats('tottime').print_stats(18)
