from . import components
from . import controllers
from .hooks import post_load
from . import models
from . import services
from . import wizards
