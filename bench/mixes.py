"""The URL lists the bench walks: many different searches and project pages, from a fixed seed
so that two runs ask the same questions in the same order."""

import random
from urllib.parse import urlencode

from bench.seed import AUDIENCES, TOPICS, VERBS
from opportunities.models import CareerPath

PATHS = [p for p, _ in CareerPath.choices]
WORDS = sorted({w.lower() for w in TOPICS + VERBS + AUDIENCES})


def search_paths(count, *, seed=16):
    """``count`` searches as students make them: two words, often an hours filter, sometimes a
    career path, remote or a sort, and the first few pages. Rarely the same URL twice."""
    rng = random.Random(seed)
    paths = []
    for _ in range(count):
        params = {"q": " ".join(rng.sample(WORDS, 2))}
        if rng.random() < 0.6:
            params["hours_min"] = rng.randint(5, 30)
        if rng.random() < 0.3:
            params["path"] = rng.choice(PATHS)
        if rng.random() < 0.3:
            params["remote"] = rng.choice(["yes", "no"])
        if rng.random() < 0.2:
            params["sort"] = rng.choice(["newest", "apply_by", "pay"])
        page = rng.choice([1, 1, 1, 2, 2, 3])
        if page > 1:
            params["page"] = page
        paths.append("/projects/?" + urlencode(params))
    return paths


def project_paths(slugs, count, *, seed=16):
    """``count`` project pages, walking ``slugs`` in a shuffled order."""
    rng = random.Random(seed)
    slugs = list(slugs)
    rng.shuffle(slugs)
    return [f"/projects/{slugs[i % len(slugs)]}/" for i in range(count)]


def write(paths, filename):
    with open(filename, "w", encoding="utf-8") as f:
        f.write("\n".join(paths) + "\n")
    return filename
