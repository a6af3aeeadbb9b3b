"""nn: layers, losses, optimizers, data tools and training, built only from autograd's ops."""
