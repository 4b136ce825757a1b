from . import main
from . import dispatcher
