import sys, time; sys.path.insert(0,'benchmarks')
import numpy as np
from threadpoolctl import threadpool_limits
threadpool_limits(1)
import conv_step as cs
import autograd.tensor.windows as W
flag=sys.argv[1]
def run(dt, value, steps=30):
    setattr(W, flag, value)
    o=cs.OursNN(*cs.make_problem(dt)); o.step()
    t=time.process_time()
    for _ in range(steps): o.step()
    return (time.process_time()-t)/steps*1e3
for dt in (np.float32, np.float64):
    ratios=[]; a_s=[]; b_s=[]
    for r in range(9):
        a=run(dt, 1 << 40); b=run(dt, 1 << 19); a_s.append(a); b_s.append(b); ratios.append(b/a)
    ratios.sort()
    print(dt.__name__, f"off {np.median(a_s):.2f} ms, on {np.median(b_s):.2f} ms, on/off median {np.median(ratios):.3f} range {ratios[0]:.2f}-{ratios[-1]:.2f}")
