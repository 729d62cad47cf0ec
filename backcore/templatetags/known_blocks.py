"""`{% extends %}` for every template, remembering the parent's own blocks.

On every render Django's extends walks the whole parent template (base.html: the header,
the nav, the account menu, the footer) to find the blocks a root template declares: about
a twentieth of a kept member page's CPU. A compiled template never changes (the cached loader
keeps it; a fresh compile is a new object), so its blocks are found once and kept on it.
Otherwise this is Django's `ExtendsNode.render`. Loaded as a template builtin after Django's.
"""

from django.template import Library
from django.template.base import TextNode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)

register = Library()

_NOT_A_ROOT = object()


def _root_blocks(parent):
    """The blocks of `parent` when it extends nothing (a root template), else None."""
    found = getattr(parent, "_backcore_root_blocks", None)
    if found is None:
        found = _NOT_A_ROOT
        for node in parent.nodelist:
            # as Django: the ExtendsNode has to be the first non-text node
            if not isinstance(node, TextNode):
                if not isinstance(node, ExtendsNode):
                    found = {n.name: n for n in parent.nodelist.get_nodes_by_type(BlockNode)}
                break
        parent._backcore_root_blocks = found
    return None if found is _NOT_A_ROOT else found


class KnownBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        root_blocks = _root_blocks(compiled_parent)
        if root_blocks is not None:
            block_context.add_blocks(root_blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def extends(parser, token):
    node = do_extends(parser, token)
    node.__class__ = KnownBlocksExtendsNode
    return node
