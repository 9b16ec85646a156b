"""One module per AWS Config resource type; each defines ``TYPE``, its :class:`~smguard.resources.base.ResourceType`.

Found by :func:`smguard.resources.resource_types`: adding a module here is adding the type.
"""
