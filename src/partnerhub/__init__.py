"""partnerhub: a self-hostable partner center compatible with the Huawei Cloud BSS partner API."""

__version__ = "0.1.0"
