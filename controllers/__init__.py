from . import survey
from . import candidate_page
