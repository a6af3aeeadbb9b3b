import numpy as np, timeit, subprocess
from numpy.lib.stride_tricks import as_strided, sliding_window_view
from threadpoolctl import threadpool_limits
threadpool_limits(1)
def helpers(src):
    a=src.index("def _columns"); b=src.index("def _any_tensor")
    ns={"np":np,"as_strided":as_strided,"sliding_window_view":sliding_window_view}
    exec(src[a:b], ns); return ns
old=helpers(subprocess.check_output(["git","show","HEAD:autograd/tensor/windows.py"],text=True))
new=helpers(open("autograd/tensor/windows.py").read())
rng=np.random.default_rng(0)
def step_old(H,x,w,g):
    cols=H["_columns"](x,w.shape[2:],(1,1)); grid=g.shape[2:]
    y=H["_correlate"](cols,w,grid)
    dx=H["_transpose_data"](g,w,(1,1),x.shape[2:]); dw=H["_weight_data"](cols,g,w.shape)
    return y,dx,dw
def step_new(H,x,w,g):
    cols=H["_columns"](x,w.shape[2:],(1,1)); grid=g.shape[2:]
    y=H["_correlate"](cols,w,grid,x.shape[3],(1,1))
    gc=H["_as_columns"](g,x.shape[3],(1,1))
    dx=H["_transpose_data"](gc,w,(1,1),x.shape); dw=H["_weight_data"](cols,gc,w.shape)
    return y,dx,dw
for dt in (np.float32,np.float64):
  for (N,C,O,Hh) in [(64,1,8,28),(64,8,16,13)]:
    x=rng.standard_normal((N,C,Hh,Hh)).astype(dt); w=rng.standard_normal((O,C,3,3)).astype(dt); g=rng.standard_normal((N,O,Hh-2,Hh-2)).astype(dt)
    a=step_old(old,x,w,g); b=step_new(new,x,w,g)
    assert all(np.allclose(u,v,rtol=1e-4,atol=1e-3) for u,v in zip(a,b))
    to,tn=[],[]
    for r in range(7):
        to.append(min(timeit.repeat(lambda: step_old(old,x,w,g),number=10,repeat=3))/10*1e3)
        tn.append(min(timeit.repeat(lambda: step_new(new,x,w,g),number=10,repeat=3))/10*1e3)
    rat=sorted(n/o for n,o in zip(tn,to))
    print(dt.__name__, C, f"old {np.median(to):.3f} new {np.median(tn):.3f} ms, new/old median {np.median(rat):.2f} range {rat[0]:.2f}-{rat[-1]:.2f}")
print("pieces")
for dt in (np.float64,np.float32):
  for (N,C,O,Hh) in [(64,1,8,28),(64,8,16,13)]:
    x=rng.standard_normal((N,C,Hh,Hh)).astype(dt); w=rng.standard_normal((O,C,3,3)).astype(dt); g=rng.standard_normal((N,O,Hh-2,Hh-2)).astype(dt)
    co=old["_columns"](x,(3,3),(1,1)); cn=new["_columns"](x,(3,3),(1,1)); gc=new["_as_columns"](g,Hh,(1,1))
    w2=w.reshape(O,-1)
    fs={"cols old":lambda: old["_columns"](x,(3,3),(1,1)),"cols new":lambda: new["_columns"](x,(3,3),(1,1)),
        "mm old":lambda: w2@co, "mm new": lambda: w2@cn, "ascols": lambda: new["_as_columns"](g,Hh,(1,1)),
        "tr old": lambda: old["_transpose_data"](g,w,(1,1),x.shape[2:]), "tr new": lambda: new["_transpose_data"](gc,w,(1,1),x.shape),
        "dcols old": lambda: w2.T@g.reshape(N,O,-1), "dcols new": lambda: w2.T@gc,
        "wd old": lambda: old["_weight_data"](co,g,w.shape), "wd new": lambda: new["_weight_data"](cn,gc,w.shape)}
    print(dt.__name__, C, " ".join(f"{k}={min(timeit.repeat(f,number=10,repeat=5))/10*1e3:.3f}" for k,f in fs.items()))
