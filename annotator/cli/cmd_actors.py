"""List the project's canonical actors (name, type, country, aliases, linked mentions), or edit
the registry: add an actor, give it aliases, rename it, or merge one actor into another.

Aliases feed the suggestions: after 'annotator actors P alias "Russian government" Kremlin',
'annotator suggest P' proposes every "Kremlin" linked to that actor.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import print_json, print_table, say
from annotator.store import Project
from annotator.store.records import ActorRecord


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--json", action="store_true", help="one JSON object per actor and line")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="add an actor")
    add.add_argument("name", help="canonical name, e.g. 'Maria Zakharova'")
    add.add_argument("--type", help="actor type, one of the schema's actor_type values")
    add.add_argument("--country", help="country the actor belongs to or speaks for")
    add.add_argument("--alias", nargs="+", default=[], metavar="ALIAS", help="other names for the actor")
    alias = actions.add_parser("alias", help="add aliases to an actor")
    alias.add_argument("actor", help="actor id or canonical name")
    alias.add_argument("aliases", nargs="+", metavar="ALIAS")
    rename = actions.add_parser("rename", help="rename an actor (the old name stays an alias)")
    rename.add_argument("actor", help="actor id or canonical name")
    rename.add_argument("name", help="new canonical name")
    merge = actions.add_parser("merge", help="merge an actor into another (mentions and aliases move)")
    merge.add_argument("survivor", help="actor id or name that remains")
    merge.add_argument("absorbed", help="actor id or name that is merged in and removed")


def _as_json(actor: ActorRecord) -> dict[str, object]:
    return {"id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
            "aliases": list(actor.aliases), "mentions": actor.mentions}


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        actors = project.actors
        if args.action == "add":
            actor = actors.create(args.name, type=args.type, country=args.country, aliases=args.alias)
            say(f"Added actor {actor.id}: {actor.name}.")
        elif args.action == "alias":
            actor = actors.resolve(args.actor)
            added = [alias for alias in args.aliases if actors.add_alias(actor.id, alias)]
            say(f"{actor.name}: {len(added)} new aliases.")
        elif args.action == "rename":
            actor = actors.rename(actors.resolve(args.actor).id, args.name)
            say(f"Actor {actor.id} is now {actor.name}.")
        elif args.action == "merge":
            absorbed = actors.resolve(args.absorbed)
            actor = actors.merge(actors.resolve(args.survivor).id, absorbed.id)
            say(f"Merged {absorbed.name} into {actor.name} ({actor.mentions} mentions).")
        else:
            listed = actors.all()
            if args.json:
                for actor in listed:
                    print_json(_as_json(actor))
            else:
                print_table(["id", "name", "type", "country", "mentions", "aliases"],
                            [[a.id, a.name, a.type or "", a.country or "", a.mentions, "; ".join(a.aliases)]
                             for a in listed])
    return 0
