import numpy as np, timeit
from threadpoolctl import threadpool_limits
threadpool_limits(1)
rng=np.random.default_rng(0)
for dt in (np.float64,np.float32):
  for (N,O,K,L) in [(64,8,9,676),(64,16,72,143)]:
    w=rng.standard_normal((O,K)).astype(dt); cb=rng.standard_normal((N,K,L)).astype(dt); cs=np.ascontiguousarray(cb.transpose(1,0,2))
    yb=rng.standard_normal((N,O,L)).astype(dt); ys=np.ascontiguousarray(yb.transpose(1,0,2))
    fs={"fwd batched":lambda: w@cb, "fwd single":lambda: w@cs.reshape(K,-1),
        "dw batched":lambda: (yb@cb.transpose(0,2,1)).sum(0), "dw single":lambda: ys.reshape(O,-1)@cs.reshape(K,-1).T,
        "dcols batched":lambda: w.T@yb, "dcols single":lambda: w.T@ys.reshape(O,-1)}
    print(dt.__name__,K," ".join(f"{k}={min(timeit.repeat(f,number=10,repeat=7))/10*1e3:.3f}" for k,f in fs.items()))
